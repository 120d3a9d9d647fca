"""The idea loop: ideas routed to steering groups, their answers and history, and the public "you
said, we did" pages."""

// Print buttons ([data-print]) open the browser's print dialog; they are hidden until this
// script runs, since without it they could do nothing.
"use strict";
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});

"""The disclosure gate: which figures may leave the server. ``gate`` decides, ``engine`` solves
complementary suppression, ``model`` holds the cells and relations they share."""

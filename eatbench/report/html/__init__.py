"""The static HTML report (``eatbench report html``): tables, figures and every video, from the store."""

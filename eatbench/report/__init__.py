"""Reports: the paper's Tables I-IV, Figs. 5-7, user-study ratings and the one-command reproduction."""

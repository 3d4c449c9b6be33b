from eatbench.cli import main

main()

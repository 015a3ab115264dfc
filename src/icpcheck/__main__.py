from icpcheck.cli import main

main()

from imvo.cli import main

main()

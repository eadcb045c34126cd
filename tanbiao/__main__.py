from tanbiao.cli import main

main()

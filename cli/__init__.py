"""The command line (`python main.py COMMAND`): the top layer, which may import everything below it."""

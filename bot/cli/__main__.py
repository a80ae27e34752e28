"""``python -m bot.cli``: the ``yuqing`` command."""

from bot.cli import main

main()

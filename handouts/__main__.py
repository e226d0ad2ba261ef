"""``python -m handouts``: the same commands as the ``handouts`` script."""

from handouts.cli import main

main()

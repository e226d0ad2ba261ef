"""``python -m handouts``: the same commands as the ``handouts`` script."""

from handouts._entry import main

main()

"""Qt models over the case: thin adapters over the store's reads and the operations' results."""

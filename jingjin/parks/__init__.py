"""Industrial parks and their registers: industries (3+3+3), parks, chains with links, firms, clusters."""

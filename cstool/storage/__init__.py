"""Storage: where the store lives, the engine, the tables and the migrations."""

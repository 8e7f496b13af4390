"""The build run: inputs, worker processes, cache, atomic commit of the tables, DuckDB."""

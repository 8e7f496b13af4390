"""The typed records stages pass, the Parquet schemas, flattening into rows, and the gold JSON."""

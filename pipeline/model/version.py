"""The version of the tables' layout, apart from their pyarrow schemas: every build reads it before pyarrow
is loaded (a build with nothing to extract, or one still starting its workers, has not needed it yet)."""

SCHEMA_VERSION = 2  # the table layout (every table's columns and types); bumped on any change, see CHANGELOG.md

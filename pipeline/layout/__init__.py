"""Layout stage: PDF characters from an engine → words → lines, page furniture set aside."""

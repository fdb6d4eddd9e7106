"""Generic list views: a table over one core list query, paged, sorted and searched in SQL."""

# Views are split by area: records.py (search, record page, browse) and the management modules
# (holdings, imports, exports, deduplication), so each area can grow without one huge file.

"""Development and demonstration data.

`base` loads the schema document's seed users (every environment may have them); `demo` builds a
realistic, deterministic data set for local use and benchmarks.
"""

"""loaders stage."""

# ``hcl2`` forces the reference HCL parser (``loaders.hcl``); its value keys the caches, read
# before any parser is imported
PARSER_ENV = "SNCLINT_HCL_PARSER"

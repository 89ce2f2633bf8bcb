"""Built-in checks: one module per family; catalog.BUILTIN_CHECKS lists them."""

"""Exercise tasks, one module per chapter; each registers its tasks in ``check.TASKS``."""

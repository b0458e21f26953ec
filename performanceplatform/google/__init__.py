"""Google pieces shared by the GA collectors: credentials (``credentials``) and retry rules."""

"""The process: diagrams and forms, validation, versions, drafts, comparison, the SOP document."""

"""Fault injection: the CRM goes down, slow or mad while a customer works; nothing typed is lost."""

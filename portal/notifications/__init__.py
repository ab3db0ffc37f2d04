"""E-mails the portal sends, each once: the outbox (``models.Notification``), the send-once
service (``services.notify``) and the thin task that sends after commit (``tasks``)."""

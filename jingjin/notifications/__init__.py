"""Reminders (催报), notifications by channel (in-app, e-mail, webhook) and the schedule.

See docs/notifications.md."""

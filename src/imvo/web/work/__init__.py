"""Background work (achtergrondtaken): each piece of work recorded, run as a django-tasks task,
its progress and heartbeat kept in the database, and recovered when its worker died.

Other apps register their kinds of work here (`imvo.web.work.kinds.kind_register`); this app
knows none of them.
"""

"""The workflow pages: the task inbox (``inbox``) and the administrator's designer
(``designer``), each a router of its own."""

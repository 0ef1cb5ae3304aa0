"""The service report of a done or closed service order: a PDF/A-2b document in Chinese and
English side by side (``queries.service_report`` gathers the data, ``web.render_service_report``
draws it with the platform's PDF helpers), answered by the API (``api``) and the pages
(``web``)."""

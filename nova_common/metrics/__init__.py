"""Prometheus metrics: the exporter (``exporter``), the API middleware
(``api``), RPC client timing (``rpc``), compute and scheduler figures
(``compute``, ``scheduler``) and the cloud-wide gauges read from the
databases at scrape time (``cloud``).

Metrics are off unless ``[metrics] listen_port`` is set: the instruments
then record nothing (one flag test each), so a daemon without an exporter
pays nothing for them.
"""

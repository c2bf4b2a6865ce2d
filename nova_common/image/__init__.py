"""Images: the ImageAPI facade (api.py) over two backends, Glance v2
(glance.py) and a directory-backed store (local.py) that nova-api serves
under /image; glance_format.py is the image document both speak."""

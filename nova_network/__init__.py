"""The built-in network service: a subset of the Networking (Neutron) v2.0
API that nova-api serves under /network, over tables of the API database.

    app.py        the WSGI app: version documents, auth, dispatch, faults
    router.py     the route table gathered from api/ and the dispatcher
    api/          one module per resource, each with its ROUTES
    db/           tables (models.py) and plain SQLAlchemy functions
    schemas/      JSON Schemas of request bodies
    policies/     oslo.policy defaults under Neutron's rule names
"""

"""What every table of the network service shares: ids, timestamps as the
API shows them, and the filtered, sorted, paged list query."""
import uuid

from oslo_db.sqlalchemy import utils as sqlalchemyutils


def new_id():
    return str(uuid.uuid4())


def timestamp(value):
    return value.strftime('%Y-%m-%dT%H:%M:%SZ') if value is not None else None


def standard_attributes(row):
    """The attributes every resource shows (Neutron's standard attributes)."""
    return {'id': row.id, 'description': row.description,
            'created_at': timestamp(row.created_at),
            'updated_at': timestamp(row.updated_at or row.created_at),
            'revision_number': row.revision_number, 'tags': []}


def owned(row):
    return {'project_id': row.project_id, 'tenant_id': row.project_id}


def bump(row):
    row.revision_number = (row.revision_number or 0) + 1


def filtered(query, model, attributes, filters, custom=None):
    """``query`` restricted by ``filters`` ({wire name: [values]}, values
    of one attribute ORed); ``custom`` maps a wire name to a function
    (query, values) -> query for attributes that are not plain columns."""
    for name, values in filters.items():
        if custom and name in custom:
            query = custom[name](query, values)
        else:
            query = query.filter(getattr(model, attributes[name].column).in_(values))
    return query


def paged(session, query, model, params, get_marker):
    """(rows of the page, whether more rows follow) for ``params`` (a
    listing.ListParams). ``get_marker(session, id)`` loads the marker row
    or raises the resource's NotFound."""
    sort_keys = [column for column, _direction in params.sorts] or ['created_at']
    sort_dirs = [direction for _column, direction in params.sorts] or ['asc']
    if 'id' not in sort_keys:
        sort_keys.append('id')
        sort_dirs.append(sort_dirs[-1])
    if params.page_reverse:
        sort_dirs = ['desc' if direction == 'asc' else 'asc' for direction in sort_dirs]
    marker = get_marker(session, params.marker) if params.marker else None
    rows = sqlalchemyutils.paginate_query(query, model, params.limit + 1, sort_keys,
                                          marker=marker, sort_dirs=sort_dirs).all()
    has_more = len(rows) > params.limit
    rows = rows[:params.limit]
    if params.page_reverse:
        rows.reverse()
    return rows, has_more

"""JSON Schema building blocks of the network API's request bodies."""
name = {'type': 'string', 'maxLength': 255}
description = {'type': 'string', 'maxLength': 255}
boolean = {'type': 'boolean'}
project_id = {'type': 'string', 'minLength': 1, 'maxLength': 255}
uuid = {'type': 'string', 'minLength': 1, 'maxLength': 36}
nullable_string = {'type': ['string', 'null'], 'maxLength': 255}

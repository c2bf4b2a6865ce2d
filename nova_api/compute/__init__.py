"""What the servers API does beyond one request's parsing and rendering:
finding servers across build requests and cells, listing them, creating
and deleting them."""

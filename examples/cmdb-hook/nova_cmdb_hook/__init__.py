"""An example nova-lite extension package: servers registered in a CMDB
after a successful build and unregistered after delete (a compute hook),
flavors allowed per project (an API create hook), and the CMDB record of
a server in the compute API (an API extension)."""

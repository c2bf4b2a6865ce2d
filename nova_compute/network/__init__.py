"""The host side of networking: what a compute builds on its host for its
servers' ports (bridges, DHCP, firewall). plumbing.py is the entry point."""

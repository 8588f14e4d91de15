"""Peers that run as their own processes, so their start-up time and memory are theirs."""

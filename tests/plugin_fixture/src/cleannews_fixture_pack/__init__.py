"""Packs in this folder are found through the `cleannews.packs` entry point."""

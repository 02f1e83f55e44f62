"""Widgets shared by the pages: the frame around them (navbar, demo banner, notices) and cards."""

"""Quartiers — plateforme ouverte de la politique de la ville."""

"""Ecology (生态环境): monitoring stations and water sections, their data, and the inventories."""

"""Key projects (重点项目): the project library, monthly project reports, campaigns and networks."""

"""Argo CD objects of the app of apps (`charts.argo_cd.app_of_apps`)."""

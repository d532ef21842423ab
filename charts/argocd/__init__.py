"""Argo CD objects of the app of apps (`charts.argocd.app_of_apps`)."""

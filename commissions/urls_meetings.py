# URL patterns are included from commissions/urls.py under the commission's slug,
# inside the "commissions" namespace; every view takes `slug` first.
urlpatterns: list = []

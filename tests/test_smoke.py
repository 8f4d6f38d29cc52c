def test_the_commission_list_asks_anonymous_visitors_to_log_in(client, db):
    response = client.get("/commissions/")
    assert response.status_code == 302
    assert response["Location"].startswith("/compte/connexion/")

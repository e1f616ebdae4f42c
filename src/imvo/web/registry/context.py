from django.http import HttpRequest


def synthetic_data(request: HttpRequest) -> dict[str, bool]:
    return {"synthetic_data": False}

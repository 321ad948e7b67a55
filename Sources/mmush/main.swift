print("mmush")

module example.com/pitfalls

go 1.22
